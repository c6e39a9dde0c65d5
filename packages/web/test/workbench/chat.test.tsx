import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { AppApi } from '../../src/api/client.ts';
import { ChatEditor } from '../../src/families/chat/ChatEditor.tsx';
import { ChatStore } from '../../src/families/chat/chat-store.ts';
import { makeTask, sourceCatcher } from './helpers.tsx';

const PARAMS = {
  conversation: [{ role: 'system', content: 'Be brief.' }],
  annotations: [
    { key: 'preference', type: 'ranked_choices', scope: 'turn', title: 'Which answer is better?' },
    { key: 'formatting', type: 'integer', scope: 'message', title: 'Formatting', possible_values: [1, 2, 3], labels: ['Bad', 'OK', 'Good'] },
    { key: 'topic', type: 'category', scope: 'thread', possible_values: ['science', 'other'] },
  ],
  rubric: { criteria: [{ criterion: 'Mentions qubits', weight: 2 }], scores: [0, 1] },
};

/** A fetch that answers model endpoints and streams `Echo: <last user message>` as server-sent events. */
function fakeServer() {
  const calls: any[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    if (url.endsWith('/model-endpoints')) return new Response(JSON.stringify({ endpoints: [{ name: 'model_a', model: 'a', parameters: {} }, { name: 'model_b', model: 'b', parameters: {} }] }));
    const body = JSON.parse(String(init.body));
    calls.push(body);
    const text = `${body.endpoint} says ${body.messages.at(-1).content}`;
    const events = text.split(' ').map((word, index) => `event: token\ndata: ${JSON.stringify({ text: (index ? ' ' : '') + word })}\n\n`);
    events.push(`event: done\ndata: ${JSON.stringify({ generation_id: `gen_${calls.length}`, source_id: body.endpoint, model_parameters: { model: body.endpoint }, text, ok: true })}\n\n`);
    return new Response(new ReadableStream({ start(controller) { for (const event of events) controller.enqueue(new TextEncoder().encode(event)); controller.close(); } }), { headers: { 'content-type': 'text/event-stream' } });
  }) as typeof fetch;
  return { api: new AppApi({ fetch: fetchImpl }), calls };
}

describe('chat editor', () => {
  it('sends the labeler message to each model endpoint, streams the answers in, and builds the v2 threads', async () => {
    const { api, calls } = fakeServer();
    const catcher = sourceCatcher();
    render(<ChatEditor task={makeTask('chat', PARAMS)} onReady={catcher.onReady} onChange={() => {}} work={{ api, leaseId: 'lease-1' }} />);
    await screen.findByText(/Send to model_a, model_b/);
    fireEvent.change(screen.getByLabelText('Your message'), { target: { value: 'What is a qubit?' } });
    fireEvent.keyDown(screen.getByLabelText('Your message'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(screen.getByText('model_b says What is a qubit?')).toBeTruthy());
    expect(calls.map((call) => call.endpoint)).toEqual(['model_a', 'model_b']);
    expect(calls[0]).toEqual({ lease_id: 'lease-1', endpoint: 'model_a', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is a qubit?' }] });
    const thread = (catcher.response() as any).threads[0];
    expect(thread.turns[0].messages.map((message: any) => [message.role, message.source_id, message.generation_id])).toEqual([
      ['system', 'system', undefined],
      ['user', 'user', undefined],
      ['assistant', 'model_a', 'gen_1'],
      ['assistant', 'model_b', 'gen_2'],
    ]);
    // Not answered yet: the server's own check names what is missing.
    expect(catcher.problems().join(' ')).toMatch(/Formatting.*needs an answer/);
  });

  it('answers the questions, ranks and scores, and then passes the check; an edit makes the answer the labeler\'s', async () => {
    const { api } = fakeServer();
    const catcher = sourceCatcher();
    render(<ChatEditor task={makeTask('chat', PARAMS)} onReady={catcher.onReady} onChange={() => {}} work={{ api, leaseId: 'lease-1' }} />);
    await screen.findByText(/Send to/);
    fireEvent.change(screen.getByLabelText('Your message'), { target: { value: 'Hi' } });
    fireEvent.click(screen.getByText(/Send to/));
    await screen.findByText('model_b says Hi');
    fireEvent.click(screen.getByLabelText('Move model_b up'));
    for (const radio of screen.getAllByRole('radio', { name: /3 · Good/ })) fireEvent.click(radio);
    fireEvent.click(screen.getByRole('radio', { name: /science/ }));
    fireEvent.change(screen.getByLabelText('Mentions qubits score for model_a'), { target: { value: '1' } });
    expect(catcher.problems()).toEqual([]);
    const turn = (catcher.response() as any).threads[0].turns[0];
    expect(turn.annotations[0]).toMatchObject({ key: 'preference', type: 'ranked_choices', value: ['model_b', 'model_a'], title: 'Which answer is better?' });
    expect(turn.messages[2].rubric_evaluations[0]).toEqual({ criteria_evaluations: [{ criterion_definition_id: 'c1', score: 1, annotations: [] }], annotations: [], total_score: 2, percentage: 100 });
    expect(turn.messages[2].annotations[0]).toMatchObject({ key: 'formatting', value: 3 });
    const editButtons = screen.getAllByRole('button', { name: 'Edit' });
    fireEvent.click(editButtons[0]);
    fireEvent.change(screen.getByLabelText('Edit model_a'), { target: { value: 'A better answer' } });
    const edited = (catcher.response() as any).threads[0].turns[0];
    expect(edited.messages[2]).toMatchObject({ source_id: 'model_a:edited', content: { text: 'A better answer' } });
    expect(edited.messages[2].generation_id).toBeUndefined();
    expect(edited.annotations[0].value).toEqual(['model_b', 'model_a:edited']);
  });

  it('works without model endpoints: the labeler writes the answers', () => {
    const catcher = sourceCatcher();
    render(<ChatEditor task={makeTask('chat', { annotations: [] })} onReady={catcher.onReady} onChange={() => {}} />);
    fireEvent.change(screen.getByLabelText('Your message'), { target: { value: 'Hello' } });
    fireEvent.click(screen.getByText('Add message'));
    fireEvent.click(screen.getByText('Write an answer'));
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    fireEvent.change(screen.getByLabelText('Edit writer_1'), { target: { value: 'Hi there' } });
    expect((catcher.response() as any).threads[0].turns[0].messages.map((message: any) => `${message.source_id}:${message.content.text}`)).toEqual(['user:Hello', 'writer_1:Hi there']);
    expect(catcher.problems()).toEqual([]);
  });

  it('re-renders only the edited turn of a long thread, and draws only the turns the page reports near the screen', async () => {
    const turns = Array.from({ length: 300 }, (_, index) => ({
      messages: [
        { role: 'user', source_id: 'user', content: { text: `Q${index}` }, annotations: [] },
        { role: 'assistant', source_id: 'model_a', content: { text: `A${index}` }, annotations: [] },
      ],
      annotations: [],
    }));
    const store = new ChatStore({}, { threads: [{ turns, annotations: [] }] });
    const before = store.getState().thread.turns;
    act(() => store.editText(299, 1, 'changed'));
    const after = store.getState().thread.turns;
    expect(after.filter((turn, index) => turn !== before[index]).length).toBe(1);

    // jsdom has no layout: an IntersectionObserver that reports slots 0-4 and 297-299 near the screen.
    const near = (slot: Element) => Number(slot.getAttribute('data-slot')) < 5 || Number(slot.getAttribute('data-slot')) >= 297;
    const saved = (globalThis as any).IntersectionObserver;
    (globalThis as any).IntersectionObserver = class {
      constructor(private readonly report: (entries: unknown[]) => void) {}
      observe(target: Element) {
        queueMicrotask(() => this.report([{ target, isIntersecting: near(target), boundingClientRect: { height: 0 } }]));
      }
      unobserve() {}
      disconnect() {}
    };
    try {
      const catcher = sourceCatcher();
      // The slots report in microtasks and turns are drawn in transitions: both inside act.
      await act(async () => {
        render(<ChatEditor task={makeTask('chat', {})} initialResponse={{ threads: [{ turns, annotations: [] }] }} onReady={catcher.onReady} onChange={() => {}} />);
      });
      await waitFor(() => expect(screen.getAllByRole('region', { name: /^Turn / }).map((turn) => turn.getAttribute('aria-label'))).toEqual(['Turn 1', 'Turn 2', 'Turn 3', 'Turn 4', 'Turn 5', 'Turn 298', 'Turn 299', 'Turn 300']));
      // Every turn has its slot in the page, and the response still holds all of them.
      expect(document.querySelectorAll('[data-slot]').length).toBe(300);
      expect((catcher.response() as any).threads[0].turns.length).toBe(300);
    } finally {
      (globalThis as any).IntersectionObserver = saved;
    }
  });
});
