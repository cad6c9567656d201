import { Controller, Get } from '@nestjs/common';
import { ValidQuery } from '@parley/http';
import { SearchQuerySchema, type List, type SearchHit, type SearchQuery } from '@parley/protocol';
import { CurrentActor, type Actor } from '@parley/tenancy';
import { SearchService } from './search.service.js';

@Controller('v1/search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  /** Messages matching `q` in the caller's chats (or one of them), newest first, with highlights. */
  @Get()
  find(
    @CurrentActor() actor: Actor,
    @ValidQuery(SearchQuerySchema) query: SearchQuery,
  ): Promise<List<SearchHit>> {
    return this.search.search(actor, query);
  }
}
