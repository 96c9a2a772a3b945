// The real hfi-cli bin, as an SRE runs it against a control plane.
import { hfiCliBin, launchNode } from '@hfi/testkit';

export async function hfiCli(server: string, args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const proc = launchNode(hfiCliBin, { args, env: { HFI_SERVER: server } });
  const timer = setTimeout(() => void proc.kill(), 20_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, output: proc.output() };
}
