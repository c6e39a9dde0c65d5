import http from 'node:http';
import type net from 'node:net';

/** What became of one callback request. */
export interface Receipt {
  deliveryId: string;
  taskId: string;
  /** answered: 200 sent; held: still open; cut: the sender's connection closed before an answer. */
  state: 'answered' | 'held' | 'cut';
  /** When the connection closed unanswered (the sender's timeout, or its process died). */
  cutAt?: number;
}

/**
 * A callback receiver for the several-nodes test: answers 200 at once, or, while holding, keeps
 * requests open so that they are in flight when a node is killed. It records what happened to each.
 */
export class HoldingReceiver {
  readonly receipts: Receipt[] = [];
  holding = false;
  private readonly held = new Map<Receipt, http.ServerResponse>();

  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(): Promise<HoldingReceiver> {
    let receiver!: HoldingReceiver;
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => receiver.handle(request, body, response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new HoldingReceiver(server, `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/callback`);
    return receiver;
  }

  private handle(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
    const receipt: Receipt = { deliveryId: String(request.headers['x-tagwright-delivery']), taskId: taskIdOf(body), state: 'held' };
    this.receipts.push(receipt);
    if (!this.holding) return this.answer(receipt, response);
    this.held.set(receipt, response);
    response.once('close', () => {
      if (receipt.state === 'held') {
        receipt.state = 'cut';
        receipt.cutAt = Date.now();
      }
      this.held.delete(receipt);
    });
  }

  private answer(receipt: Receipt, response: http.ServerResponse): void {
    receipt.state = 'answered';
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  }

  /** How many requests are open right now. */
  get heldCount(): number {
    return this.held.size;
  }

  /** The delivery ids of the requests open right now. */
  heldDeliveryIds(): Set<string> {
    return new Set([...this.held.keys()].map((receipt) => receipt.deliveryId));
  }

  /** Stops holding and answers every request still open. */
  releaseAll(): void {
    this.holding = false;
    for (const [receipt, response] of [...this.held]) {
      this.held.delete(receipt);
      if (!response.destroyed) this.answer(receipt, response);
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function taskIdOf(body: string): string {
  const parsed = JSON.parse(body);
  return parsed.task_id ?? parsed.task?.task_id ?? '';
}
