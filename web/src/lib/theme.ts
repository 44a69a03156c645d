import { useEffect, useState } from 'preact/hooks';

/**
 * Colours come from the style sheet's custom properties (one place for both themes): the
 * Okabe–Ito palette, which stays distinguishable with every common colour-vision deficiency.
 */

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

/** 'light' or 'dark', following the system, updated when it changes. */
export function useColorScheme(): 'light' | 'dark' {
  const [dark, setDark] = useState(darkQuery.matches);
  useEffect(() => {
    const update = () => setDark(darkQuery.matches);
    darkQuery.addEventListener('change', update);
    return () => darkQuery.removeEventListener('change', update);
  }, []);
  return dark ? 'dark' : 'light';
}

export const cssVar = (name: string): string =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** The custom property of the n-th series colour (--series-1 … --series-8), for charts and legends. */
const SERIES_COUNT = 8;
export const seriesVar = (index: number): string => `--series-${(index % SERIES_COUNT) + 1}`;
