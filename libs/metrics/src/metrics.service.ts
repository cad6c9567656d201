import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Database } from '@parley/db';
import { ChatEvents } from '@parley/fanout';

/**
 * Prometheus metrics of this process. Labels carry only bounded values (route templates, event
 * names, status codes), never user content or ids.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request duration by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly socketEventDuration = new Histogram({
    name: 'parley_socket_event_duration_seconds',
    help: 'Socket event handling time, from receipt to ack, by event and outcome',
    labelNames: ['event', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly deliveryDelay = new Histogram({
    name: 'parley_message_delivery_seconds',
    help: 'From a message being stored (its createdAt) to its emit to the chat room',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly messagesSent = new Counter({
    name: 'parley_messages_sent_total',
    help: 'Messages stored and announced',
    registers: [this.registry],
  });

  readonly socketConnections = new Gauge({
    name: 'parley_socket_connections',
    help: 'Open socket connections on this node',
    registers: [this.registry],
  });

  private stopObserving: () => void = () => undefined;

  constructor(
    private readonly events: ChatEvents,
    db: Database,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
    const pool = db.poolStats.bind(db);
    new Gauge({
      name: 'parley_db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const stats = pool();
        this.set({ state: 'in_use' }, stats.total - stats.idle);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }

  onModuleInit(): void {
    this.stopObserving = this.events.observe((event) => {
      if (event.event !== 'message:new') return;
      this.messagesSent.inc();
      this.deliveryDelay.observe(
        Math.max(0, Date.now() - Date.parse(event.payload.message.createdAt)) / 1000,
      );
    });
  }

  onModuleDestroy(): void {
    this.stopObserving();
  }
}
