// The sandboxed preload cannot require the contract at run time, so it repeats
// the two channel names; this keeps its copies equal to the contract's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IPC_EVENT, IPC_INVOKE } from './contract.ts';

const preload = readFileSync(new URL('../../src-preload/preload.cts', import.meta.url), 'utf8');

describe('src-preload/preload.cts', () => {
  it('uses the contract’s channel names', () => {
    expect(preload).toContain(`const IPC_INVOKE = '${IPC_INVOKE}';`);
    expect(preload).toContain(`const IPC_EVENT = '${IPC_EVENT}';`);
  });

  it("exposes the API as window.plugboard and nothing else", () => {
    expect(preload).toContain("contextBridge.exposeInMainWorld('plugboard', api);");
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
  });

  it('requires nothing but electron', () => {
    expect([...preload.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1])).toEqual(['electron']);
  });
});
