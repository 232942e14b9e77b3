import { Injectable, OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';

/** argon2id with OWASP's baseline parameters (19 MiB, 2 passes): slow for attackers, ~30 ms for us. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private static readonly options: argon2.HashOptions = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
  // A real hash to compare against when the user does not exist, so timing does not reveal accounts.
  private dummy?: Promise<string>;

  /** Made at start-up, so that the first unknown email does not pay for making it (a timing difference). */
  async onModuleInit(): Promise<void> {
    this.dummy ??= this.hash('not-a-real-password');
    await this.dummy;
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, PasswordHasher.options);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    if (!hash) {
      this.dummy ??= this.hash('not-a-real-password');
      await argon2.verify(await this.dummy, password).catch(() => false);
      return false;
    }
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
