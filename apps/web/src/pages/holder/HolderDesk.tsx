import { Card } from 'antd';

/** The holder's desk (universities, institutes, high-level platforms): issue 20. */
export default function HolderDesk() {
  return <Card title="成果持有单位工作台" />;
}
