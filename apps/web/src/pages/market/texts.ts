import { registerArea } from '../../i18n/area';
import { marketDataEn } from '../../i18n/marketData.en';
import { marketDataZh } from '../../i18n/marketData.zh';

// the public market data pages' texts, with their chunk
registerArea('marketData', marketDataZh, marketDataEn);
