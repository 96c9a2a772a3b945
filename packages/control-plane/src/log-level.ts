// Whether a logger writes a level's lines, for work done only to build a line (Fastify's null logger, which
// tests use, has no level and writes none).
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';

export function writes(logger: FastifyBaseLogger, level: 'debug' | 'info'): boolean {
  const current = pino.levels.values[logger.level];
  return current !== undefined && current <= pino.levels.values[level]!;
}
