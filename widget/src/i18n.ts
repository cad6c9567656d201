/**
 * The widget's strings. Each language is one flat table; a missing key falls back to English.
 * `{name}`-style placeholders are filled by `t()`. Right-to-left languages are listed in `RTL`.
 */
const en = {
  conversations: 'Conversations',
  messages: 'Messages',
  message: 'Message',
  send: 'Send',
  attach: 'Attach a file',
  back: 'Back to conversations',
  openChat: 'Open chat',
  chat: 'Chat',
  typing1: '{a} is typing…',
  typing2: '{a} and {b} are typing…',
  typingMany: 'Several people are typing…',
  reconnecting: 'Connection lost. Reconnecting…',
  connecting: 'Connecting…',
  noChats: 'No conversations yet.',
  noMessages: 'No messages yet. Say hello!',
  errorAuth: 'Could not sign in to the chat.',
  errorConfig: 'The chat is not configured (api-key and user-token are needed).',
  errorLoad: 'Could not load the chat.',
  retry: 'Try again',
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not sent',
  today: 'Today',
  yesterday: 'Yesterday',
  reply: 'Reply',
  react: 'React with {e}',
  edit: 'Edit',
  delete: 'Delete',
  edited: 'edited',
  deleted: 'This message was deleted.',
  replyingTo: 'Replying to {a}',
  editing: 'Editing message',
  cancel: 'Cancel',
  you: 'You',
  unread: '{n} unread',
  loading: 'Loading…',
  online: 'Online',
  offline: 'Offline',
  newMessage: '{a}: {b}',
  file: 'File',
  uploadFailed: 'Could not upload {a}.',
  drop: 'Drop files to send them',
  group: 'Group',
  notLoaded: 'Earlier message',
  actions: 'Message actions',
  newMessages: 'New messages',
};

export type StringKey = keyof typeof en;
export type Table = Partial<Record<StringKey, string>>;

const de: Table = {
  conversations: 'Unterhaltungen',
  messages: 'Nachrichten',
  message: 'Nachricht',
  send: 'Senden',
  attach: 'Datei anhängen',
  back: 'Zurück zu den Unterhaltungen',
  openChat: 'Chat öffnen',
  chat: 'Chat',
  typing1: '{a} schreibt…',
  typing2: '{a} und {b} schreiben…',
  typingMany: 'Mehrere Personen schreiben…',
  reconnecting: 'Verbindung verloren. Neuer Versuch…',
  connecting: 'Verbinde…',
  noChats: 'Noch keine Unterhaltungen.',
  noMessages: 'Noch keine Nachrichten. Sag hallo!',
  errorAuth: 'Anmeldung beim Chat fehlgeschlagen.',
  errorConfig: 'Der Chat ist nicht eingerichtet (api-key und user-token fehlen).',
  errorLoad: 'Der Chat konnte nicht geladen werden.',
  retry: 'Erneut versuchen',
  sending: 'Wird gesendet',
  sent: 'Gesendet',
  delivered: 'Zugestellt',
  read: 'Gelesen',
  failed: 'Nicht gesendet',
  today: 'Heute',
  yesterday: 'Gestern',
  reply: 'Antworten',
  react: 'Mit {e} reagieren',
  edit: 'Bearbeiten',
  delete: 'Löschen',
  edited: 'bearbeitet',
  deleted: 'Diese Nachricht wurde gelöscht.',
  replyingTo: 'Antwort an {a}',
  editing: 'Nachricht bearbeiten',
  cancel: 'Abbrechen',
  you: 'Du',
  unread: '{n} ungelesen',
  loading: 'Lädt…',
  online: 'Online',
  offline: 'Offline',
  file: 'Datei',
  uploadFailed: '{a} konnte nicht hochgeladen werden.',
  drop: 'Dateien hier ablegen, um sie zu senden',
  group: 'Gruppe',
  notLoaded: 'Frühere Nachricht',
  actions: 'Aktionen',
  newMessages: 'Neue Nachrichten',
};

const ar: Table = {
  conversations: 'المحادثات',
  messages: 'الرسائل',
  message: 'رسالة',
  send: 'إرسال',
  attach: 'إرفاق ملف',
  back: 'العودة إلى المحادثات',
  openChat: 'فتح الدردشة',
  chat: 'الدردشة',
  typing1: '{a} يكتب…',
  typing2: '{a} و{b} يكتبان…',
  typingMany: 'عدة أشخاص يكتبون…',
  reconnecting: 'انقطع الاتصال. جارٍ إعادة الاتصال…',
  connecting: 'جارٍ الاتصال…',
  noChats: 'لا توجد محادثات بعد.',
  noMessages: 'لا توجد رسائل بعد. قل مرحبًا!',
  errorAuth: 'تعذّر تسجيل الدخول إلى الدردشة.',
  errorConfig: 'الدردشة غير مهيأة (يلزم api-key وuser-token).',
  errorLoad: 'تعذّر تحميل الدردشة.',
  retry: 'أعد المحاولة',
  sending: 'جارٍ الإرسال',
  sent: 'أُرسلت',
  delivered: 'وصلت',
  read: 'قُرئت',
  failed: 'لم تُرسل',
  today: 'اليوم',
  yesterday: 'أمس',
  reply: 'رد',
  react: 'تفاعل بـ {e}',
  edit: 'تعديل',
  delete: 'حذف',
  edited: 'معدّلة',
  deleted: 'حُذفت هذه الرسالة.',
  replyingTo: 'رد على {a}',
  editing: 'تعديل الرسالة',
  cancel: 'إلغاء',
  you: 'أنت',
  unread: '{n} غير مقروءة',
  loading: 'جارٍ التحميل…',
  online: 'متصل',
  offline: 'غير متصل',
  file: 'ملف',
  uploadFailed: 'تعذّر رفع {a}.',
  drop: 'أفلت الملفات لإرسالها',
  group: 'مجموعة',
  notLoaded: 'رسالة سابقة',
  actions: 'إجراءات الرسالة',
  newMessages: 'رسائل جديدة',
};

/** Tables by primary language subtag. Add a language by adding a table here. */
export const LANGUAGES: Readonly<Record<string, Table>> = { en, de, ar };
const RTL = new Set(['ar', 'he', 'fa', 'ur']);

export type Translate = (key: StringKey, params?: Record<string, string | number>) => string;

/** The supported language closest to a BCP 47 tag (`de-AT` → `de`), else English. */
export function pickLanguage(tag: string | null | undefined): string {
  const primary = (tag ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  return primary in LANGUAGES ? primary : 'en';
}

export function directionOf(language: string): 'ltr' | 'rtl' {
  return RTL.has(pickLanguage(language)) ? 'rtl' : 'ltr';
}

const translators = new Map<string, Translate>();

/** The strings of a language; the same function each time, so elements given it do not re-render. */
export function translator(language: string): Translate {
  const picked = pickLanguage(language);
  let t = translators.get(picked);
  if (!t) {
    const table = LANGUAGES[picked] ?? en;
    t = (key, params) => {
      const text = table[key] ?? en[key];
      return params ? text.replace(/\{(\w+)\}/g, (all, name: string) => String(params[name] ?? all)) : text;
    };
    translators.set(picked, t);
  }
  return t;
}
