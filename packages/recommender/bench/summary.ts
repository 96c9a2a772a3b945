// How the search benchmarks summarise trials-until-found over seeds: median and IQR, with "not found within the
// budget" counted as budget + 1 (so the median stays honest) and printed as ">budget".
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export function showTrials(trials: number, budget: number): string {
  return trials > budget ? `>${budget}` : String(Math.round(trials * 10) / 10);
}
