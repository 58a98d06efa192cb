/** The app's request context. */
export interface Context {
  userId: string | undefined;
  locale: string;
}
