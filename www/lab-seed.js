// The seed of a view's runs: `seed=random` resolved once to a fresh seed,
// and "New seed". Part of the first paint (lab-share.js, the rest of the
// share and file buttons, loads on demand).

/**
 * Replaces `seed=random` in a view's options by a fresh seed from the engine
 * (RaftLab.randomSeed, the browser's crypto through getrandom), once, before
 * the first simulation: the seed is then shown, kept by Reset and carried in
 * links like any other, so the run can be shared and replayed.
 */
export function resolveSeed(v, RaftLab) {
  const pick = () => RaftLab.randomSeed();
  let seed = null;
  for (const o of [v.o, v.o.fallback].filter(Boolean)) {
    if (o.seed === 'random') o.seed = seed ??= pick();
  }
  if (seed == null) return;
  if (v.r.seed) v.r.seed.value = String(seed);
  if (v.origin.scenario == null) v.origin = v.r.nodes ? v.sizeOrigin() : { ...v.origin, seed };
}

/** "New seed": a fresh random seed and a new cluster of the chosen size with it. */
export function newSeed(v) {
  const RaftLab = v.sim && v.sim.constructor;
  if (!RaftLab || typeof RaftLab.randomSeed !== 'function' || !v.r.seed) return;
  const seed = v.call(() => RaftLab.randomSeed());
  if (seed == null) return;
  v.r.seed.value = String(seed);
  v.resize();
  v.status(v.t('status.newSeed', { seed }));
}
