import { Card } from 'antd';

/** The technology broker's desk (技术经纪人): issue 20. */
export default function BrokerDesk() {
  return <Card title="技术经纪人工作台" />;
}
