import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Clock, CLOCK, NotFoundError, ValidationError, newId, ConflictError } from '@zjp/core';
import { recordAudit, TransactionRunner } from '@zjp/database';
import { ROLES_BY_ORGANIZATION_TYPE, type Principal } from '@zjp/platform';
import { Repository } from 'typeorm';
import { PasswordHasher } from '../auth/password-hasher';
import { Organization } from '../organizations/organization.entity';
import { CreateUserDto } from './dto/create-user.dto';
import { User } from './user.entity';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** actor null = the operator's command line (first administrator, seed). */
  async create(actor: Principal | null, organizationId: string, dto: CreateUserDto): Promise<User> {
    const passwordHash = await this.hasher.hash(dto.password); // slow: outside the transaction
    return this.tx.run(async (m) => {
      const org = await m.findOneBy(Organization, { id: organizationId });
      if (!org) throw new NotFoundError('ORGANIZATION_NOT_FOUND', 'No such organisation');
      const allowed = ROLES_BY_ORGANIZATION_TYPE[org.type];
      const wrong = dto.roles.filter((r) => !allowed.includes(r));
      if (wrong.length) {
        throw new ValidationError([
          { field: 'roles', code: 'roleNotForOrganization', message: `${wrong.join(', ')} cannot be given to a user of a ${org.type} organisation` },
        ]);
      }
      // Only a platform administrator can create another platform administrator.
      if (dto.roles.includes('platform_admin') && actor && !actor.roles.includes('platform_admin')) {
        throw new ValidationError([{ field: 'roles', code: 'roleNotGrantable', message: 'only a platform administrator may grant platform_admin' }]);
      }
      const email = dto.email.trim().toLowerCase();
      const taken = await m.createQueryBuilder(User, 'u').where('lower(u.email) = :email', { email }).getExists();
      if (taken) throw new ConflictError('EMAIL_TAKEN', 'A user with this email already exists', { field: 'email' });
      const id = newId(this.clock);
      await m.insert(User, { id, organizationId, email, displayName: dto.displayName.trim(), passwordHash, roles: dto.roles, active: true });
      await recordAudit(m, {
        actorUserId: actor?.userId,
        actorOrganizationId: actor?.organizationId,
        action: 'user.created',
        subjectType: 'user',
        subjectId: id,
        data: { organizationId, email, roles: dto.roles },
        occurredAt: this.clock.now(),
      });
      return m.findOneByOrFail(User, { id });
    });
  }

  listByOrganization(organizationId: string): Promise<User[]> {
    return this.users.find({ where: { organizationId }, order: { email: 'ASC' } });
  }

  /** One page of an organisation's users, by email. */
  async pageByOrganization(organizationId: string, page: { limit: number; offset: number }): Promise<{ items: User[]; total: number }> {
    const [items, total] = await this.users.findAndCount({
      where: { organizationId },
      order: { email: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total };
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundError('USER_NOT_FOUND', 'No such user');
    return user;
  }

  /** For sign-in only: includes the password hash. */
  findForLogin(email: string): Promise<(User & { organization: Organization }) | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .innerJoinAndMapOne('u.organization', Organization, 'o', 'o.id = u.organization_id')
      .where('lower(u.email) = :email', { email: email.trim().toLowerCase() })
      .getOne() as Promise<(User & { organization: Organization }) | null>;
  }
}
