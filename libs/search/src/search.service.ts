import { Inject, Injectable } from '@nestjs/common';
import {
  ChatNotFoundError,
  ChatsService,
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
} from '@parley/chats';
import { MessagesService } from '@parley/messages';
import { IdSchema, type List, type SearchHit, type SearchQuery } from '@parley/protocol';
import { pageLimit, type Actor } from '@parley/tenancy';
import { toHighlight } from './highlight.js';
import { SEARCH_BACKEND, type SearchBackend, type SearchRequest } from './search-backend.js';
import { SearchRepository } from './search.repository.js';

const DEFAULT_SEARCH_PAGE = 20;

/**
 * Full-text search over the chats the caller belongs to: a user's own chats; with the secret key and
 * `X-On-Behalf-Of`, that user's chats; with the secret key alone, the whole tenant. Newest message
 * first, never a deleted one.
 */
@Injectable()
export class SearchService {
  constructor(
    @Inject(SEARCH_BACKEND) private readonly backend: SearchBackend,
    private readonly repository: SearchRepository,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
  ) {}

  async search(actor: Actor, query: SearchQuery): Promise<List<SearchHit>> {
    const limit = pageLimit(actor.settings, query.limit, DEFAULT_SEARCH_PAGE);
    const before = query.cursor === undefined ? null : decodeSearchCursor(query.cursor);
    const scope = await this.scope(actor, query.chatId);
    if (scope.chatIds?.length === 0) return { data: [], nextCursor: null };
    const found = await this.backend.search({
      tenantId: actor.tenantId,
      query: query.q,
      before,
      limit: limit + 1,
      ...scope,
    });
    const page = found.slice(0, limit);
    const messages = await this.messages.view(
      actor,
      page.map((f) => f.row),
    );
    return {
      data: page.map((f, i) => ({
        message: messages[i]!,
        highlight: toHighlight(f.row.text ?? '', f.marked),
      })),
      nextCursor: found.length > limit ? encodeCursor([page.at(-1)!.row.id]) : null,
    };
  }

  private async scope(
    actor: Actor,
    chatId: string | undefined,
  ): Promise<Pick<SearchRequest, 'chatIds' | 'scopeSize'>> {
    if (chatId !== undefined) {
      const access = await this.chats.authorize(actor, chatId, 'read');
      // Acting for a user, the backend searches that user's chats only.
      if (actor.userId !== null && access.role === null) throw new ChatNotFoundError(chatId);
      return { chatIds: [chatId], scopeSize: await this.repository.chatSize(actor.tenantId, chatId) };
    }
    if (actor.userId !== null) {
      const { chatIds, size } = await this.repository.userScope(actor.tenantId, actor.userId);
      return { chatIds, scopeSize: size };
    }
    return { chatIds: null, scopeSize: null };
  }
}

function decodeSearchCursor(cursor: string): string {
  const [id] = decodeCursor(cursor, 1) as [string];
  if (!IdSchema.safeParse(id).success) throw new InvalidCursorError();
  return id;
}
