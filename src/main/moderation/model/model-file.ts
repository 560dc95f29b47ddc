import type { DetectorModel } from './model';

/**
 * The model file as people read it in a diff: two-space JSON, with every small object (a weight table's entries, a
 * curve point, a calibration bin) on one line.
 */
export function formatModelFile(model: DetectorModel): string {
  const text = JSON.stringify(model, null, 2);
  // Collapse innermost objects that fit on one line: "{\n  "a": 1,\n  "b": 2\n}" → "{ "a": 1, "b": 2 }".
  const collapsed = text.replace(/\{\n\s+([^{}[\]]*?)\n\s*\}/g, (whole, body: string) => {
    const line = `{ ${body.split(/,\n\s*/).join(', ')} }`;
    return line.length <= 110 && !body.includes('"weights"') ? line : whole;
  });
  return `${collapsed}\n`;
}
