/** Fitting a cell: exactly `width` columns, cut with `…` or padded with spaces. */
import { fitLine } from './slice.js';

export function fitCell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const slice = fitLine(text, { width });
  const pad = ' '.repeat(Math.max(0, width - slice.width));
  return align === 'left' ? slice.text + pad : pad + slice.text;
}
