import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AttachmentsRepository } from './attachments.repository.js';
import { AttachmentsService } from './attachments.service.js';

/** Uploads never sent in a message are collected after this long. */
export const UNATTACHED_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const SWEEP_EVERY_MS = 10 * 60 * 1000;
/** The first sweep waits a little, so that a starting node does its real work first. */
const FIRST_SWEEP_AFTER_MS = 60 * 1000;
const BATCH = 500;
/** Spool files older than this were left by a crash (an upload is spooled for seconds). */
const STALE_SPOOL_MS = 60 * 60 * 1000;

/**
 * Housekeeping in every API process: removes uploads that were never attached to a message, finishes
 * deletions whose stored objects could not be removed at the time, and clears the spool of files a
 * crash left. Several nodes sweeping at once skip each other's rows, and removing an object twice is
 * harmless.
 */
@Injectable()
export class AttachmentSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AttachmentSweeper');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repository: AttachmentsRepository,
    private readonly attachments: AttachmentsService,
  ) {}

  onModuleInit(): void {
    const run = (): void => {
      void this.sweep().catch((error: unknown) => this.logger.error({ err: error }, 'sweep failed'));
    };
    this.timer = setTimeout(() => {
      run();
      this.timer = setInterval(run, SWEEP_EVERY_MS);
      this.timer.unref();
    }, FIRST_SWEEP_AFTER_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  /** One sweep (after any running one); answers how many attachments it removed. Tests pass a shorter age. */
  sweep(unattachedMaxAgeMs = UNATTACHED_MAX_AGE_MS): Promise<number> {
    const next = this.running.catch(() => undefined).then(() => this.sweepNow(unattachedMaxAgeMs));
    this.running = next;
    return next;
  }

  private async sweepNow(unattachedMaxAgeMs: number): Promise<number> {
    const cutoff = new Date(Date.now() - unattachedMaxAgeMs);
    let removed = 0;
    for (;;) {
      const doomed = await this.repository.collectGarbageAcrossTenants(cutoff, BATCH);
      if (doomed.length === 0) break;
      const done = await this.attachments.removeObjects(doomed);
      removed += done;
      // Storage refusing every removal: the rest waits for the next sweep.
      if (doomed.length < BATCH || done === 0) break;
    }
    await this.clearSpool();
    if (removed > 0) this.logger.log({ removed }, 'swept attachments');
    return removed;
  }

  private async clearSpool(): Promise<void> {
    const dir = this.attachments.spoolDir;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => null);
      if (info && Date.now() - info.mtimeMs > STALE_SPOOL_MS) await unlink(path).catch(() => undefined);
    }
  }
}
