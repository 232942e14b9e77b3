import { registerArea } from '../../../i18n/area';
import { marketEn } from '../../../i18n/market.en';
import { marketZh } from '../../../i18n/market.zh';

// the market operator's texts, with its chunks (the consoles and the hall's big screen)
registerArea('market', marketZh, marketEn);
