/**
 * The ways a zmprov command ends other than normally, modelled on ProvUtil:
 * ServiceException (`ERROR: code (message)` on stderr), ArgException (usage text),
 * System.exit(n) from inside a command, and an uncaught Java exception (JVM crash).
 */

/** com.zimbra.common.service.ServiceException and AccountServiceException. */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** `<java class> <message>` of the cause, printed as ` (cause: ...)`. */
    readonly causeText?: string,
  ) {
    super(message);
  }

  /** The exact line ProvUtil prints on stderr. */
  errorLine(): string {
    return `ERROR: ${this.code} (${this.message})${this.causeText ? ` (cause: ${this.causeText})` : ''}`;
  }

  /** What `-v` adds after the ERROR line (e.printStackTrace). */
  stackTrace(): string {
    const cls = this.code.startsWith('account.')
      ? 'com.zimbra.cs.account.AccountServiceException'
      : this.code.startsWith('zclient.')
        ? 'com.zimbra.common.zclient.ZClientException'
        : 'com.zimbra.common.service.ServiceException';
    const factory = this.code.split('.').slice(1).join('.');
    const lines = [
      `${cls}: ${this.message}`,
      `\tat ${cls}.${factory}(${cls.split('.').pop()}.java:1)`,
      '\tat com.zimbra.cs.account.ProvUtil.execute(ProvUtil.java:1)',
      '\tat com.zimbra.cs.account.ProvUtil.main(ProvUtil.java:1)',
    ];
    if (this.causeText) lines.push(`Caused by: ${this.causeText.replace(' ', ': ')}`);
    return `${lines.join('\n')}\n`;
  }

  static invalidRequest(msg: string, causeText?: string): ServiceError {
    return new ServiceError('service.INVALID_REQUEST', `invalid request: ${msg}`, causeText);
  }

  static failure(msg: string, causeText?: string): ServiceError {
    return new ServiceError('service.FAILURE', `system failure: ${msg}`, causeText);
  }

  static invalidAttrValue(msg: string, causeText?: string): ServiceError {
    return new ServiceError('account.INVALID_ATTR_VALUE', msg, causeText);
  }

  static invalidAttrName(msg: string): ServiceError {
    return new ServiceError('account.INVALID_ATTR_NAME', msg);
  }

  static noSuchAccount(name: string): ServiceError {
    return new ServiceError('account.NO_SUCH_ACCOUNT', `no such account: ${name}`);
  }

  static noSuchDomain(name: string): ServiceError {
    return new ServiceError('account.NO_SUCH_DOMAIN', `no such domain: ${name}`);
  }

  static noSuchServer(name: string): ServiceError {
    return new ServiceError('account.NO_SUCH_SERVER', `no such server: ${name}`);
  }

  static noSuchAlias(name: string): ServiceError {
    return new ServiceError('account.NO_SUCH_ALIAS', `no such alias: ${name}`);
  }

  static accountExists(name: string, dn: string): ServiceError {
    return new ServiceError('account.ACCOUNT_EXISTS', `email address already exists: ${name}, at DN: ${dn}`);
  }

  static noSuchDistributionList(name: string): ServiceError {
    return new ServiceError('account.NO_SUCH_DISTRIBUTION_LIST', `no such distribution list: ${name}`);
  }

  static distributionListExists(name: string): ServiceError {
    return new ServiceError('account.DISTRIBUTION_LIST_EXISTS', `email address already exists: ${name}`);
  }

  static noSuchMember(list: string, members: string): ServiceError {
    return new ServiceError('account.NO_SUCH_MEMBER', `non-existent members: ${members} in distribution list: ${list}`);
  }

  static domainExists(name: string): ServiceError {
    return new ServiceError('account.DOMAIN_EXISTS', `domain already exists: ${name}`);
  }

  static domainNotEmpty(name: string): ServiceError {
    return new ServiceError('account.DOMAIN_NOT_EMPTY', `domain not empty: ${name}`);
  }

  static invalidPassword(msg: string): ServiceError {
    return new ServiceError('account.INVALID_PASSWORD', `invalid password: ${msg}`);
  }
}

/** ProvUtil's ArgException: the command prints its usage line. */
export class ArgError extends Error {}

/** System.exit(code) called from inside a command; `stderr` was printed just before. */
export class ExitSignal extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** An uncaught Java exception: the JVM prints the trace and exits 1. */
export class JvmCrash extends Error {
  constructor(
    readonly javaClass: string,
    readonly javaMessage: string,
    readonly frames: string[] = ['com.zimbra.cs.account.ProvUtil.main(ProvUtil.java:1)'],
  ) {
    super(`${javaClass}: ${javaMessage}`);
  }

  text(): string {
    return `Exception in thread "main" ${this.javaClass}: ${this.javaMessage}\n${this.frames.map((f) => `\tat ${f}\n`).join('')}`;
  }
}
