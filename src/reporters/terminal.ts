/** Making untrusted text (names, images, messages from inputs) safe to print on a terminal. */

/**
 * Replaces control characters (C0, DEL, C1, and the bidirectional overrides) with a visible
 * `\xNN` / `\u{...}` escape, so a hostile container name cannot move the cursor, recolour the
 * screen or reorder text. Newlines and tabs become spaces.
 */
export function forTerminal(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    if (ch === '\n' || ch === '\t' || ch === '\r') return ' ';
    const code = ch.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
