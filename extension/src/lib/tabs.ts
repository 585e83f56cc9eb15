/** Waiting on tabs from the service worker. */

export type LoadOutcome = 'loaded' | 'timeout' | 'closed';

export interface LoadWatch {
  done: Promise<LoadOutcome>;
  /** Stop watching (resolves `done` with 'timeout'). */
  cancel(): void;
}

/**
 * `done` resolves when the tab next finishes loading a page ('complete' after 'loading'; any
 * 'complete' with `requireLoading` false), when it is closed, or after `timeoutMs`. Start watching
 * BEFORE the action that navigates, so a fast page cannot finish before the listener exists.
 */
export function watchNextLoad(tabId: number, timeoutMs: number, requireLoading = true): LoadWatch {
  let cancel: () => void = () => undefined;
  const done = new Promise<LoadOutcome>((resolve) => {
    let sawLoading = !requireLoading;
    const done = (outcome: LoadOutcome) => {
      clearTimeout(timer);
      chrome.tabs.onUpdated.removeListener(onUpdated);
      chrome.tabs.onRemoved.removeListener(onRemoved);
      resolve(outcome);
    };
    const onUpdated = (id: number, change: { status?: string }) => {
      if (id !== tabId) return;
      if (change.status === 'loading') sawLoading = true;
      if (change.status === 'complete' && sawLoading) done('loaded');
    };
    const onRemoved = (id: number) => {
      if (id === tabId) done('closed');
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    cancel = () => done('timeout');
    chrome.tabs.onUpdated.addListener(onUpdated);
    chrome.tabs.onRemoved.addListener(onRemoved);
  });
  return { done, cancel: () => cancel() };
}

/** Resolves once the tab's current page has loaded (now, if it already has). */
export async function whenLoaded(tabId: number, timeoutMs: number): Promise<LoadOutcome> {
  const next = watchNextLoad(tabId, timeoutMs, false);
  const tab = await chrome.tabs.get(tabId).catch(() => null);
  if (!tab || (tab.status === 'complete' && tab.url && !tab.pendingUrl && tab.url !== 'about:blank')) {
    next.cancel();
    return tab ? 'loaded' : 'closed';
  }
  return next.done;
}

/** The origin of the page a tab shows now ("http://localhost:8090"), or null. */
export async function tabOrigin(tabId: number): Promise<string | null> {
  const tab = await chrome.tabs.get(tabId).catch(() => null);
  if (!tab?.url) return null;
  try {
    const u = new URL(tab.url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}
