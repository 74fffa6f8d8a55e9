import type { Tree } from '@nx/devkit';
import ts from 'typescript';

/** What the generator needs to know of a workload that exists: from its `apps/<name>/src/workload.ts`. */
export interface ExistingWorkload {
  name: string;
  port: number;
  database?: string;
}

/**
 * The workloads of the workspace, read from each app's descriptor. The descriptors are
 * TypeScript (`defineWorkload({ … })`), so they are parsed, not evaluated: the literal `name`,
 * `port` and `database` of the call's object are what the generator compares against.
 */
export function existingWorkloads(tree: Tree): ExistingWorkload[] {
  if (!tree.exists('apps')) return [];
  return tree
    .children('apps')
    .map((app) => `apps/${app}/src/workload.ts`)
    .filter((path) => tree.exists(path))
    .flatMap((path) => {
      const literal = descriptorLiteral(path, tree.read(path, 'utf-8') ?? '');
      if (!literal) return [];
      const name = stringProperty(literal, 'name');
      const port = numberProperty(literal, 'port');
      if (name === undefined || port === undefined) return [];
      const database = stringProperty(literal, 'database');
      return [{ name, port, ...(database === undefined ? {} : { database }) }];
    });
}

/** A Kafka topic `@meshmart/contracts` declares: its value, the key of `topics` naming it, and the event types published on it. */
export interface DeclaredTopic {
  topic: string;
  /** `orders` for `topics.orders` (`orders.v1`). */
  key: string;
  eventTypes: string[];
}

/** The Kafka topics of `@meshmart/contracts` (`topics`) with their event types (`topicOfEvent`), read from its source. */
export function declaredTopics(tree: Tree): DeclaredTopic[] {
  const path = 'libs/contracts/src/events.ts';
  const source = ts.createSourceFile(path, tree.read(path, 'utf-8') ?? '', ts.ScriptTarget.Latest, true);
  const declared: DeclaredTopic[] = [];
  const eventsOf = new Map<string, string[]>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer) {
      const object = unwrap(node.initializer);
      const name = node.name.getText(source);
      if (ts.isObjectLiteralExpression(object) && (name === 'topics' || name === 'topicOfEvent')) {
        for (const property of object.properties) {
          if (!ts.isPropertyAssignment(property)) continue;
          const key = property.name.getText(source);
          const value = unwrap(property.initializer);
          if (name === 'topics' && ts.isStringLiteral(value)) declared.push({ topic: value.text, key, eventTypes: [] });
          if (name === 'topicOfEvent' && ts.isPropertyAccessExpression(value)) eventsOf.set(value.name.text, [...(eventsOf.get(value.name.text) ?? []), key]);
        }
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return declared.map((each) => ({ ...each, eventTypes: eventsOf.get(each.key) ?? [] }));
}

function descriptorLiteral(path: string, text: string): ts.ObjectLiteralExpression | undefined {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  let found: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'defineWorkload') {
      const [argument] = node.arguments;
      if (argument && ts.isObjectLiteralExpression(argument)) found = argument;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function property(literal: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const each of literal.properties)
    if (ts.isPropertyAssignment(each) && (ts.isIdentifier(each.name) || ts.isStringLiteral(each.name)) && each.name.text === name)
      return unwrap(each.initializer);
  return undefined;
}

function stringProperty(literal: ts.ObjectLiteralExpression, name: string): string | undefined {
  const value = property(literal, name);
  return value && ts.isStringLiteralLike(value) ? value.text : undefined;
}

function numberProperty(literal: ts.ObjectLiteralExpression, name: string): number | undefined {
  const value = property(literal, name);
  return value && ts.isNumericLiteral(value) ? Number(value.text.replaceAll('_', '')) : undefined;
}

function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}
