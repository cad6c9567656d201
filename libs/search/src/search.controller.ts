import { Controller, Get } from '@nestjs/common';
import { ApiRoute, ValidQuery } from '@parley/http';
import {
  listOf,
  SearchHitSchema,
  SearchQuerySchema,
  type List,
  type SearchHit,
  type SearchQuery,
} from '@parley/protocol';
import { CurrentActor, type Actor } from '@parley/tenancy';
import { SearchService } from './search.service.js';

@Controller('v1/search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @ApiRoute(
    'Search messages',
    { 200: listOf(SearchHitSchema) },
    {
      description:
        "Messages matching `q` in the caller's chats (or one of them), newest first, with highlights.",
      errors: ['not_found'],
    },
  )
  find(
    @CurrentActor() actor: Actor,
    @ValidQuery(SearchQuerySchema) query: SearchQuery,
  ): Promise<List<SearchHit>> {
    return this.search.search(actor, query);
  }
}
