import { describe, expect, it } from 'vitest';
import { ListenerSet } from './listener-set';

describe('ListenerSet', () => {
  it('calls every listener in order, skipping one that throws, until it is removed', () => {
    const listeners = new ListenerSet<[string, number]>();
    const heard: string[] = [];
    listeners.add((name, value) => heard.push(`first ${name}=${value}`));
    const remove = listeners.add(() => {
      throw new Error('exporter down');
    });
    listeners.add((name) => heard.push(`last ${name}`));
    listeners.emit('ejected', 1);
    remove();
    listeners.emit('returned', 2);
    expect(heard).toEqual(['first ejected=1', 'last ejected', 'first returned=2', 'last returned']);
  });
});
