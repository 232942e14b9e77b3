import i18n from './index';

/** A message tree whose leaves are strings: an area's English texts must have exactly its Chinese keys. */
export type MessagesOf<T> = { [K in keyof T]: T[K] extends string ? string : MessagesOf<T[K]> };

/**
 * Registers the texts of one area of the app (holder desk, administrators' consoles, broker desk)
 * under `name`, when that area's chunk loads: they stay out of the public pages' first load, and
 * each area keeps its own file instead of growing zh.ts. Use them as t('<name>.<key>').
 */
export function registerArea<T extends object>(name: string, zh: T, en: MessagesOf<T>): void {
  i18n.addResourceBundle('zh', 'translation', { [name]: zh }, true, false);
  i18n.addResourceBundle('en', 'translation', { [name]: en }, true, false);
}
