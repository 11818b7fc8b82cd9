/**
 * oidc-provider's storage adapter on the workspace's PostgreSQL: every model (grants, codes,
 * access and refresh tokens, sessions, interactions) in one table keyed by (model, id), with the
 * lookups oidc-provider needs by grant, interaction uid and user code. Expired records are never
 * answered.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Queryable } from '../db/database';

interface RecordRow {
  payload: AdapterPayload;
  consumed_at: Date | null;
}

const answer = (row: RecordRow | undefined): AdapterPayload | undefined =>
  row ? { ...row.payload, ...(row.consumed_at ? { consumed: Math.floor(new Date(row.consumed_at).getTime() / 1000) } : {}) } : undefined;

/** An adapter class for `new Provider(issuer, { adapter })`, bound to a database and a clock. */
export function oauthRecordsAdapter(db: Queryable, now: () => number) {
  const at = () => new Date(now()).toISOString();
  return class OAuthRecords implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      await db.query(
        `INSERT INTO oauth_records (model, id, payload, grant_id, uid, user_code, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, uid = EXCLUDED.uid,
           user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
        [
          this.model,
          id,
          JSON.stringify(payload),
          payload.grantId ?? null,
          payload.uid ?? null,
          payload.userCode ?? null,
          expiresIn ? new Date(now() + expiresIn * 1000).toISOString() : null,
        ],
      );
    }

    private async findBy(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      const [row] = await db.query<RecordRow>(
        `SELECT payload, consumed_at FROM oauth_records
          WHERE model = $1 AND ${column} = $2 AND (expires_at IS NULL OR expires_at > $3)`,
        [this.model, value, at()],
      );
      return answer(row);
    }

    find(id: string) {
      return this.findBy('id', id);
    }

    findByUid(uid: string) {
      return this.findBy('uid', uid);
    }

    findByUserCode(userCode: string) {
      return this.findBy('user_code', userCode);
    }

    async consume(id: string): Promise<void> {
      await db.query('UPDATE oauth_records SET consumed_at = $3 WHERE model = $1 AND id = $2', [this.model, id, at()]);
    }

    async destroy(id: string): Promise<void> {
      await db.query('DELETE FROM oauth_records WHERE model = $1 AND id = $2', [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      // This model's records of the grant (oidc-provider asks each token model in turn). Not every
      // model's: an interaction in progress names the grant it may extend, and must survive.
      await db.query('DELETE FROM oauth_records WHERE grant_id = $1 AND model = $2', [grantId, this.model]);
    }
  };
}
