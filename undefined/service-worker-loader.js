import './assets/index.ts-CgClXDDf.js';
