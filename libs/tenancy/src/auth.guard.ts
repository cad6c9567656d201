import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ACCESS_METADATA, type CallerRequest } from './access.decorator.js';
import type { AccessLevel } from './actor.js';
import { AuthService, type Credentials } from './auth.service.js';
import { UnauthenticatedError } from './tenancy.errors.js';

/** Authenticates every HTTP route (it is global) and attaches the caller. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const declared =
      this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'tenant';
    if (declared === 'public') return true;
    const request = context.switchToHttp().getRequest<Request & CallerRequest>();
    if (declared === 'signed' && request.query.sig !== undefined) return true;
    const access = declared === 'signed' ? 'tenant' : declared;
    const credentials = credentialsFrom(request);
    if (credentials.apiKey && credentials.origin && (access === 'tenant' || access === 'publishable')) {
      // Answer CORS for an allowed origin before checking the token, so a browser can read a 401.
      await this.auth.tenantForPublishableKey(credentials.apiKey, credentials.origin);
      allowOrigin(context.switchToHttp().getResponse<Response>(), credentials.origin);
    }
    request.caller = await this.auth.authenticate(credentials, access);
    return true;
  }
}

function credentialsFrom(request: Request): Credentials {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const authorization = header('authorization');
  let bearer: string | undefined;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <credential>"');
    bearer = match[1];
  }
  return {
    bearer,
    apiKey: header('x-api-key'),
    onBehalfOf: header('x-on-behalf-of'),
    origin: header('origin'),
  };
}

function allowOrigin(response: Response, origin: string): void {
  response.setHeader('Access-Control-Allow-Origin', origin);
  response.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
  response.vary('Origin');
}
