/** The big-screen view of a live themed session for the auction hall: issue 20. */
export default function HallScreen() {
  return <div />;
}
