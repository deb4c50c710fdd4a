// The smallest helpers of the DOM panels, with no imports: what the modules
// loaded on demand (lab-rules.js, lab-history.js) share with the page's first
// module, so the bundle's shared chunk holds only these (lab-features.js).

/** An element with attributes (`class` as the class name) and children (nodes, or text). */
export function el(tag, props, ...children) {
  const e = document.createElement(tag);
  if (props) for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : String(c ?? ''));
  return e;
}

export const fmtValue = (v) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
export const fmtMs = (v) => (typeof v === 'number' ? `${Math.round(v * 10) / 10} ms` : fmtValue(v));

/** The names of the rules switched off now in view `v`, in menu order ([] without the API). */
export function rulesOff(v) {
  if (typeof v.sim?.rules !== 'function') return [];
  return (v.call((s) => s.rules()) || []).filter((r) => !r.on).map((r) => r.name);
}
