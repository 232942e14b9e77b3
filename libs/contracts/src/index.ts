export * from './contracts.module';
export * from './contracts/contracts.service';
export * from './contracts/contract-billing.service';
export * from './contracts/contract.views';
export { canonicalJson, documentLines, renderPdf, sha256, signedContent, type ContractDocument } from './documents/contract-document';
export * from './domain';
export * from './jobs';
