import type { Integration } from '../shared/schemas';
import { t } from './i18n';

export function IntegrationDetails({ integration }: { integration: Integration }) {
  return (
    <dl class="integration" data-testid="integration">
      <dt>{t('stripeAccount')}</dt>
      <dd>
        <bdi>{integration.stripeAccountName}</bdi> <code>{integration.stripeAccountId}</code>{' '}
        <span class="mode">{integration.livemode ? t('liveMode') : t('testMode')}</span>
      </dd>
    </dl>
  );
}
