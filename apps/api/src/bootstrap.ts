import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AllExceptionsFilter, AppConfig, createValidationPipe, Metrics, RedisConnectionFactory } from '@zjp/platform';
import { RedisIoAdapter } from '@zjp/realtime';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';
import { OPENAPI_PATH, securityHeaders } from './security-headers';

/** Builds the API exactly as production runs it; tests call this too. */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), { bufferLogs: true, bodyParser: false, rawBody: true });
  app.useLogger(app.get(Logger));
  app.use(securityHeaders(config)); // first, so that every answer has them (errors and the OpenAPI page too)
  app.useBodyParser('json', { limit: '1mb' }); // keeps req.rawBody (rawBody: true): Stripe signatures cover the raw bytes
  app.set('trust proxy', 'loopback, uniquelocal');
  app.disable('x-powered-by');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.get(Metrics, { strict: false })));
  app.useWebSocketAdapter(new RedisIoAdapter(app, app.get(RedisConnectionFactory)));
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('浙江拍 Zhejiang Auction API')
    .setDescription('Technology achievements, live auctions, technology contracts and subsidies. Errors: { code, message, details? }.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup(OPENAPI_PATH.slice(1), app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'api/docs/openapi.json' });

  await app.init();
  return app;
}
