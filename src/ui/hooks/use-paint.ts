/**
 * Whether the UI draws in colour, decided once when it mounts (NO_COLOR, FORCE_COLOR: see
 * plain-colors.ts). Ink's own colour support (chalk) honours FORCE_COLOR but not NO_COLOR, so the
 * components ask here instead of passing colours unconditionally. Bold, dim and inverse are not
 * colour and stay (a selected row or a search match must still show).
 */
import { createContext, useContext } from 'react';

export const ColourContext = createContext(true);

/** `paint('red')`: the colour to pass to Ink, or undefined when the UI draws without colour. */
export function usePaint(): <C extends string>(colour: C | undefined) => C | undefined {
  const enabled = useContext(ColourContext);
  return (colour) => (enabled ? colour : undefined);
}

/** For the log pane, which draws service lines with their own escapes: whether to keep colours. */
export function useColour(): boolean {
  return useContext(ColourContext);
}
