import { createHash, createPrivateKey } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChatsService } from '@parley/chats';
import { uuid7, type TenantId } from '@parley/db';
import { Egress, EgressNetworkError, EgressRefusedError } from '@parley/egress';
import { PRESENCE_STORE, type PresenceStore } from '@parley/presence';
import type {
  Device,
  FcmCredentials,
  FcmCredentialsBody,
  List,
  Message,
  PushPayload,
  RegisterDeviceBody,
  VapidKey,
} from '@parley/protocol';
import { InjectJobQueue, jobId, PermanentJobError, type ParleyJobQueue, type PushJob } from '@parley/queue';
import { ActingUserRequiredError, SecretBox, TenantsService, TtlCache, type Actor } from '@parley/tenancy';
import { UsersService } from '@parley/users';
import { DevicesRepository, type DeviceRow } from './devices.repository.js';
import { FcmCredentialsRepository } from './fcm-credentials.repository.js';
import {
  DeviceNotFoundError,
  FcmCredentialsNotFoundError,
  InvalidServiceAccountError,
  PushEndpointRefusedError,
  PushRejectedError,
} from './push.errors.js';
import {
  FCM_SENDER,
  WEB_PUSH_SENDER,
  type FcmAccount,
  type FcmSender,
  type PushOutcome,
  type WebPushSender,
} from './push-sender.js';
import { VapidKeys } from './vapid-keys.js';

/** Members read per fan-out chunk (one keyset page, one devices query, one presence lookup). */
export const FANOUT_CHUNK = 1_000;
/** Notification text longer than this is cut: Web Push payloads hold about 4 KB. */
const BODY_MAX = 1_000;
/** Tenant push settings, FCM credentials and "has devices" are read this often at most, per node. */
const CACHE_TTL_MS = 5_000;

const toDevice = (row: DeviceRow): Device => ({
  id: row.id,
  userId: row.userId,
  kind: row.kind,
  token: row.token,
  createdAt: row.createdAt.toISOString(),
});

/**
 * Push notifications: the devices users register, each tenant's FCM credentials, and the work of
 * notifying members who are not connected when a message arrives.
 */
@Injectable()
export class PushService {
  private readonly logger = new Logger('Push');
  private readonly hasDevices = new TtlCache<boolean>(CACHE_TTL_MS);
  private readonly fcmAccounts = new TtlCache<FcmAccount | null>(CACHE_TTL_MS);

  constructor(
    private readonly devices: DevicesRepository,
    private readonly fcmCredentials: FcmCredentialsRepository,
    private readonly vapid: VapidKeys,
    private readonly secretBox: SecretBox,
    private readonly egress: Egress,
    private readonly chats: ChatsService,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(WEB_PUSH_SENDER) private readonly webPush: WebPushSender,
    @Inject(FCM_SENDER) private readonly fcm: FcmSender,
    @InjectJobQueue() private readonly queue: ParleyJobQueue,
  ) {}

  // ---- devices ----------------------------------------------------------------------------------

  /** 201 for a new device, 200 when the token was known (it now belongs to the acting user). */
  async register(actor: Actor, body: RegisterDeviceBody): Promise<{ device: Device; created: boolean }> {
    const userId = actingUser(actor);
    if (body.kind === 'webpush') await this.checkEndpoint(body.subscription.endpoint);
    const { row, created } = await this.devices.register(actor.tenantId, {
      id: uuid7(),
      userId,
      kind: body.kind,
      ...(body.kind === 'fcm'
        ? { token: body.token, webpushKeys: null }
        : { token: body.subscription.endpoint, webpushKeys: body.subscription.keys }),
    });
    this.hasDevices.set(actor.tenantId, true);
    return { device: toDevice(row), created };
  }

  async listMine(actor: Actor): Promise<List<Device>> {
    const rows = await this.devices.listOfUser(actor.tenantId, actingUser(actor));
    return { data: rows.map(toDevice), nextCursor: null };
  }

  async remove(actor: Actor, deviceId: string): Promise<void> {
    if (!(await this.devices.deleteOfUser(actor.tenantId, actingUser(actor), deviceId)))
      throw new DeviceNotFoundError(deviceId);
  }

  vapidKey(): VapidKey {
    return { publicKey: this.vapid.get().publicKey };
  }

  // ---- FCM credentials --------------------------------------------------------------------------

  async putFcmCredentials(actor: Actor, body: FcmCredentialsBody): Promise<FcmCredentials> {
    const account = body.serviceAccount;
    try {
      createPrivateKey(account.private_key);
    } catch {
      throw new InvalidServiceAccountError('must be a PEM private key that can be read');
    }
    const row = await this.fcmCredentials.put(actor.tenantId, {
      projectId: account.project_id,
      clientEmail: account.client_email,
      serviceAccountSealed: this.secretBox.seal(JSON.stringify(account)),
    });
    // Forgotten here at once (a zero time to live); other nodes read the new ones within CACHE_TTL_MS.
    this.fcmAccounts.set(actor.tenantId, null, 0);
    return { projectId: row.projectId, clientEmail: row.clientEmail, updatedAt: row.updatedAt.toISOString() };
  }

  async getFcmCredentials(actor: Actor): Promise<FcmCredentials> {
    const row = await this.fcmCredentials.get(actor.tenantId);
    if (!row) throw new FcmCredentialsNotFoundError();
    return { projectId: row.projectId, clientEmail: row.clientEmail, updatedAt: row.updatedAt.toISOString() };
  }

  async deleteFcmCredentials(actor: Actor): Promise<void> {
    if (!(await this.fcmCredentials.delete(actor.tenantId))) throw new FcmCredentialsNotFoundError();
    this.fcmAccounts.set(actor.tenantId, null, 0);
  }

  // ---- fan-out ----------------------------------------------------------------------------------

  /** Whether the tenant has any device at all: when not, a new message needs no push work. */
  tenantHasDevices(tenantId: TenantId): Promise<boolean> {
    return this.hasDevices.remember(tenantId, () => this.devices.tenantHasDevices(tenantId));
  }

  /** `tenantHasDevices` as far as the cache knows, without waiting: undefined when it does not. */
  knownTenantHasDevices(tenantId: TenantId): boolean | undefined {
    return this.hasDevices.get(tenantId);
  }

  /** What every device is told about a new message, as the tenant's `push.notificationText` allows. */
  async notificationFor(tenantId: TenantId, message: Message): Promise<PushPayload> {
    const { settings } = await this.tenants.get(tenantId);
    const data = { tenantId, chatId: message.chatId, messageId: message.id, seq: String(message.seq) };
    const mode = settings.push.notificationText;
    if (mode === 'none' || !message.senderId) return { title: null, body: null, data };
    const names = await this.users.names(tenantId, [message.senderId]);
    const title = names.get(message.senderId) ?? message.senderId;
    if (mode === 'sender') return { title, body: null, data };
    const text = message.text ?? (message.attachments.length > 0 ? '📎' : '');
    return { title, body: text.length > BODY_MAX ? `${text.slice(0, BODY_MAX - 1)}…` : text, data };
  }

  /** One keyset page of the members who may be notified (not muted), and where the next page starts. */
  membersToNotify(
    tenantId: TenantId,
    chatId: string,
    afterUserId: string | null,
  ): Promise<{ userIds: string[]; next: string | null }> {
    return this.chats.notifiableMembers(tenantId, chatId, afterUserId, FANOUT_CHUNK);
  }

  /**
   * Enqueues a push to every device of these members, except the sender's and those of members
   * connected right now (they got the message over their socket). Answers how many it enqueued.
   */
  async notifyMembers(
    tenantId: TenantId,
    senderId: string,
    userIds: string[],
    notification: PushPayload,
  ): Promise<number> {
    const devices = await this.devices.devicesOfUsers(
      tenantId,
      userIds.filter((id) => id !== senderId),
    );
    if (devices.length === 0) return 0;
    const online = await this.presence.online(tenantId, [...new Set(devices.map((d) => d.userId))]);
    const targets = devices.filter((d) => !online.has(d.userId));
    await this.queue.enqueueMany(
      'push',
      targets.map((device) => ({
        id: jobId('push', notification.data.messageId, device.id),
        payload: { tenantId, deviceId: device.id, notification },
      })),
    );
    return targets.length;
  }

  /**
   * The `push` job: one notification to one device. A device the push service reports gone is
   * deleted; a refusal no retry can fix ends the job; anything else is thrown and retried.
   */
  async send(job: PushJob): Promise<PushOutcome | 'skipped'> {
    const tenantId = job.tenantId as TenantId;
    const device = await this.devices.get(tenantId, job.deviceId);
    if (!device) return 'skipped';
    let outcome: PushOutcome;
    try {
      if (device.kind === 'webpush') {
        outcome = await this.webPush.send(
          { endpoint: device.token, keys: device.webpushKeys! },
          job.notification,
          this.vapid.get(),
        );
      } else {
        const account = await this.fcmAccount(tenantId);
        if (!account)
          throw new PushRejectedError('the tenant has no FCM credentials (PUT /v1/tenant/push/fcm)');
        outcome = await this.fcm.send(account, device.token, job.notification);
      }
    } catch (error) {
      if (error instanceof PushRejectedError) throw new PermanentJobError(error.message, { cause: error });
      throw error;
    }
    if (outcome === 'gone') {
      await this.devices.delete(tenantId, device.id);
      this.logger.log(
        { tenantId, deviceId: device.id, kind: device.kind },
        'push target gone; device removed',
      );
    }
    return outcome;
  }

  private async fcmAccount(tenantId: TenantId): Promise<FcmAccount | null> {
    const cached = this.fcmAccounts.get(tenantId);
    if (cached !== undefined) return cached;
    const row = await this.fcmCredentials.get(tenantId);
    const account = row
      ? {
          tenantId,
          // The client is rebuilt when the credentials change.
          version: createHash('sha256').update(row.serviceAccountSealed).digest('hex').slice(0, 16),
          serviceAccount: JSON.parse(
            this.secretBox.open(row.serviceAccountSealed),
          ) as FcmAccount['serviceAccount'],
        }
      : null;
    this.fcmAccounts.set(tenantId, account);
    return account;
  }

  private async checkEndpoint(endpoint: string): Promise<void> {
    try {
      await this.egress.check(endpoint);
    } catch (error) {
      if (error instanceof EgressRefusedError || error instanceof EgressNetworkError)
        throw new PushEndpointRefusedError(error.message);
      throw error;
    }
  }
}

function actingUser(actor: Actor): string {
  if (!actor.userId) throw new ActingUserRequiredError();
  return actor.userId;
}
