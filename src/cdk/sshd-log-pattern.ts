import * as logs from 'aws-cdk-lib/aws-logs';

/** How a syslog line begins, which decides how many space-delimited fields precede the host. */
export enum SyslogTimestamp {
  /** `Nov 25 10:00:00 host sshd[1]: ...` (rsyslog's traditional format, /var/log/secure on Amazon Linux 2). */
  TRADITIONAL = 'traditional',
  /** `2024-11-25T10:00:00.123456+00:00 host sshd[1]: ...` (rsyslog's high-precision format). */
  RFC3339 = 'rfc3339',
}

/**
 * Space-delimited filter for sshd's `Authentication refused: bad ownership or modes for ...` line,
 * naming the `host` field so it can become the InstanceId dimension. The trailing `...` matches
 * the path that follows, whatever its length.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
export function sshdBadModesPattern(timestamp: SyslogTimestamp = SyslogTimestamp.TRADITIONAL): logs.IFilterPattern {
  const head = timestamp === SyslogTimestamp.TRADITIONAL ? ['month', 'day', 'time'] : ['timestamp'];
  return logs.FilterPattern.spaceDelimited(...head, 'host', 'process', 'w1', 'w2', 'w3', 'w4', '...')
    .whereString('process', '=', 'sshd*')
    .whereString('w1', '=', 'Authentication')
    .whereString('w2', '=', 'refused:')
    .whereString('w3', '=', 'bad')
    .whereString('w4', '=', 'ownership');
}
