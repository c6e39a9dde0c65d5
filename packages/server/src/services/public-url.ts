import type { Config } from '../config.ts';

/**
 * The base of links the server hands out (signed file links, ...): TAGWRIGHT_PUBLIC_URL when set,
 * else the address the HTTP listener actually bound (known once it listens, e.g. with PORT=0),
 * else http://HOST:PORT from the configuration.
 */
export class PublicUrl {
  private listening: string | undefined;

  constructor(private readonly config: Config) {}

  /** Called once the HTTP listener is up. */
  listeningOn(url: string): void {
    this.listening = url;
  }

  get base(): string {
    const base = this.config.publicUrl ?? this.listening ?? `http://${this.config.host}:${this.config.port}`;
    return base.replace(/\/+$/, '');
  }
}
