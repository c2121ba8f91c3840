import { describe, expect, it } from 'vitest';
import { IsaStringError, parseIsa } from '../src/isa.js';

describe('parseIsa', () => {
  it('parses ISA strings into extension sets', () => {
    expect(parseIsa('rv32imac').name).toBe('rv32imac_zicsr_zifencei');
    expect([...parseIsa('RV32IMAC_Zicsr_Zifencei').extensions].sort()).toEqual([
      'A',
      'C',
      'I',
      'M',
      'Priv',
      'Zicsr',
      'Zifencei',
    ]);
    expect(parseIsa('rv32imach').extensions.has('H')).toBe(true);
    expect(parseIsa('rv32i').extensions.has('C')).toBe(false);
  });

  it('rejects what Trapeze does not implement, saying why', () => {
    expect(() => parseIsa('rv64imac')).toThrow(IsaStringError);
    expect(() => parseIsa('rv32gc')).toThrow('must start with rv32i');
    expect(() => parseIsa('rv32imafc')).toThrow(
      'extension "f" in "rv32imafc" is not supported (supported: i, m, a, c, h)',
    );
    expect(() => parseIsa('rv32e')).toThrow('RV32E is not supported');
    expect(() => parseIsa('rv32i_zba')).toThrow('extension "zba"');
  });
});
