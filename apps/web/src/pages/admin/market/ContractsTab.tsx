export default function ContractsTab() {
  return null;
}
