// Scoped signing keys: a user issued by one carries no limits of its own and gets the scope's template.

import { isValidSubject } from '../subjects/subject.js';
import type { AccountClaims, UserClaims, UserPermissionLimits } from './jwt-claims.js';

/** nats-io/jwt UserScope.ValidateScopedSigner: the user JWT must not set permissions or limits itself. */
export function scopedUserIsEmpty(user: UserClaims): boolean {
  const unlimited = (n: number) => n === 0 || n === -1;
  return (
    user.publish.allow.length === 0 && user.publish.deny.length === 0 && user.subscribe.allow.length === 0 && user.subscribe.deny.length === 0 &&
    user.response === undefined && user.src.length === 0 && user.times.length === 0 && user.timesLocation === '' &&
    unlimited(user.subs) && unlimited(user.data) && unlimited(user.payload) &&
    !user.bearerToken && user.allowedConnectionTypes.length === 0
  );
}

function cartesian(lists: string[][]): string[][] {
  let result: string[][] = [[]];
  for (const list of lists) result = result.flatMap((prefix) => list.map((value) => [...prefix, value]));
  return result;
}

/** The value of one `{{...}}` token; null when it names tags that have no value (no subject can be built). */
function expand(op: string, user: UserClaims, account: AccountClaims): string[] | null {
  if (op === 'name()') return [user.name];
  if (op === 'subject()') return [user.sub];
  if (op === 'account-name()') return [account.name];
  if (op === 'account-subject()') return [user.issuerAccount !== '' ? user.issuerAccount : user.iss];
  const tag = /^(account-tag|tag)\((.*)\)$/.exec(op);
  if (tag !== null) {
    const prefix = `${tag[2].toLowerCase()}:`;
    const tags = tag[1] === 'tag' ? user.tags : account.tags;
    const values = tags.filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length));
    return values.length > 0 ? values : null;
  }
  return [' ']; // an unknown macro makes the subject invalid on purpose, as nats-server does
}

/** Expands templates in one list; an invalid result is skipped (allow lists) or an error (deny lists). */
function applyList(list: string[], failOnBadSubject: boolean, user: UserClaims, account: AccountClaims): string[] | null {
  const isTemplate = (token: string) => token.startsWith('{{') && token.endsWith('}}');
  if (!list.some((entry) => entry.split('.').some(isTemplate))) return list.slice();
  const out: string[] = [];
  for (const entry of list) {
    const tokens = entry.split('.');
    const options: string[][] = [];
    let impossible = false;
    for (const token of tokens) {
      if (!isTemplate(token)) {
        options.push([token]);
        continue;
      }
      const values = expand(token.slice(2, -2).toLowerCase(), user, account);
      if (values === null) impossible = true;
      options.push(values ?? ['']);
    }
    for (const combination of impossible ? [options.map((o) => o[0])] : cartesian(options)) {
      const subject = combination.join('.');
      if (!impossible && isValidSubject(subject)) out.push(subject);
      else if (failOnBadSubject) return null;
    }
  }
  return out;
}

/**
 * nats-server processUserPermissionsTemplate: the scope's template with {{name()}}, {{subject()}},
 * {{account-name()}}, {{account-subject()}}, {{tag(x)}} and {{account-tag(x)}} expanded. An allow list
 * that expands to nothing becomes a deny of ">". Returns null when a deny entry cannot be expanded.
 */
export function applyScopeTemplate(template: UserPermissionLimits, user: UserClaims, account: AccountClaims): UserPermissionLimits | null {
  const subAllow = applyList(template.subscribe.allow, false, user, account);
  const subDeny = applyList(template.subscribe.deny, true, user, account);
  const pubAllow = applyList(template.publish.allow, false, user, account);
  const pubDeny = applyList(template.publish.deny, true, user, account);
  if (subAllow === null || subDeny === null || pubAllow === null || pubDeny === null) return null;
  if (template.subscribe.allow.length > 0 && subAllow.length === 0 && !subDeny.includes('>')) subDeny.push('>');
  if (template.publish.allow.length > 0 && pubAllow.length === 0 && !pubDeny.includes('>')) pubDeny.push('>');
  return { ...template, subscribe: { allow: subAllow, deny: subDeny }, publish: { allow: pubAllow, deny: pubDeny } };
}
