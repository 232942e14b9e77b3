import { execFile } from 'node:child_process';

/**
 * The text of a PDF, page by page, as poppler's `pdftotext -layout` reads it (the same tool a user's
 * viewer would copy text with: it goes through the embedded fonts' ToUnicode maps). poppler-utils is
 * installed by scripts/lib/services.sh (zjp_ensure_chromium).
 */
export function pdfPages(pdf: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout.split('\f').slice(0, -1));
    });
    child.stdin?.end(pdf);
  });
}

/** All of a PDF's text, whitespace runs collapsed to one space (CJK lines wrap anywhere). */
export async function pdfText(pdf: Buffer): Promise<string> {
  return (await pdfPages(pdf)).join('\n').replace(/\s+/g, ' ');
}
