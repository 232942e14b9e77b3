import { registerArea } from './area';
import { brokerEn } from './broker.en';
import { brokerZh } from './broker.zh';

/** The broker area's texts (broker desk and the principals' mandates tab), registered when its chunk loads. */
registerArea('broker', brokerZh, brokerEn);
