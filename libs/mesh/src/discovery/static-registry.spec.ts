import { describe, expect, it, vi } from 'vitest';
import { type ServiceInstance } from './service-instance';
import { StaticRegistry } from './static-registry';

function cartInstance(n: number, overrides: Partial<ServiceInstance> = {}): ServiceInstance {
  return {
    id: `cart-${n}`,
    service: 'cart-service',
    address: `10.0.1.${n}`,
    port: 8000 + n,
    zone: 'local',
    version: '0.1.0',
    weight: 1,
    healthy: true,
    ...overrides,
  };
}

describe('StaticRegistry', () => {
  it('serves the configured instances, sorted by id, per service', async () => {
    const registry = new StaticRegistry({ 'cart-service': [cartInstance(2), cartInstance(1)], 'order-service': [] });
    const view = await registry.watch('cart-service');
    expect(view.service).toBe('cart-service');
    expect(view.instances()).toEqual([cartInstance(1), cartInstance(2)]);
    expect((await registry.watch('order-service')).instances()).toEqual([]);
    expect((await registry.watch('unknown-service')).instances()).toEqual([]);
  });

  it('refuses an instance listed under another service', () => {
    expect(() => new StaticRegistry({ 'order-service': [cartInstance(1)] })).toThrow(/listed under "order-service"/);
  });

  it('tells every view of the service about registrations, updates and deregistrations', async () => {
    const registry = new StaticRegistry({ 'cart-service': [cartInstance(1)] });
    const view = await registry.watch('cart-service');
    const otherView = await registry.watch('cart-service');
    const unrelated = await registry.watch('order-service');
    const heard = vi.fn();
    const otherHeard = vi.fn();
    const unrelatedHeard = vi.fn();
    view.onChange(heard);
    otherView.onChange(otherHeard);
    unrelated.onChange(unrelatedHeard);

    const registration = await registry.register(cartInstance(2));
    expect(heard).toHaveBeenLastCalledWith([cartInstance(1), cartInstance(2)]);

    await registration.update({ healthy: false, weight: 4 });
    expect(registration.instance).toEqual(cartInstance(2, { healthy: false, weight: 4 }));
    expect(view.instances()[1]).toEqual(cartInstance(2, { healthy: false, weight: 4 }));

    await registration.deregister();
    await registration.deregister();
    expect(view.instances()).toEqual([cartInstance(1)]);
    expect(heard).toHaveBeenCalledTimes(3);
    expect(otherHeard).toHaveBeenCalledTimes(3);
    expect(unrelatedHeard).not.toHaveBeenCalled();
    await expect(registration.update({ weight: 2 })).rejects.toMatchObject({ code: 'registry_closed' });
  });

  it('does not call listeners when an update changes nothing', async () => {
    const registry = new StaticRegistry({});
    const registration = await registry.register(cartInstance(1));
    const view = await registry.watch('cart-service');
    const heard = vi.fn();
    view.onChange(heard);
    await registration.update({ healthy: true, weight: 1 });
    expect(heard).not.toHaveBeenCalled();
  });

  it('stops calling a listener once unsubscribed, or once the view is closed', async () => {
    const registry = new StaticRegistry({});
    const view = await registry.watch('cart-service');
    const unsubscribed = vi.fn();
    const kept = vi.fn();
    view.onChange(unsubscribed)();
    view.onChange(kept);
    await registry.register(cartInstance(1));
    expect(unsubscribed).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);

    await view.close();
    await registry.register(cartInstance(2));
    expect(kept).toHaveBeenCalledTimes(1);
    expect(view.instances()).toEqual([cartInstance(1)]);
  });

  it('keeps calling the other listeners when one throws', async () => {
    const reported: unknown[] = [];
    const registry = new StaticRegistry({}, { onError: (error) => reported.push(error) });
    const view = await registry.watch('cart-service');
    view.onChange(() => {
      throw new Error('listener bug');
    });
    const kept = vi.fn();
    view.onChange(kept);
    await registry.register(cartInstance(1));
    expect(kept).toHaveBeenCalledTimes(1);
    expect(reported).toEqual([new Error('listener bug')]);
  });

  it('hands out views whose lists cannot be changed by callers', async () => {
    const registry = new StaticRegistry({ 'cart-service': [cartInstance(1)] });
    const view = await registry.watch('cart-service');
    expect(() => (view.instances() as ServiceInstance[]).push(cartInstance(2))).toThrow(TypeError);
    expect(() => Object.assign(view.instances()[0] ?? {}, { healthy: false })).toThrow(TypeError);
  });

  it('rejects register and watch after close', async () => {
    const registry = new StaticRegistry({});
    await registry.close();
    await expect(registry.register(cartInstance(1))).rejects.toMatchObject({ code: 'registry_closed' });
    await expect(registry.watch('cart-service')).rejects.toMatchObject({ code: 'registry_closed' });
  });
});
