import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { ContextAttachments, contextAttachmentUrls } from '../../src/families/image/ContextAttachments.tsx';

describe('Context attachments beside the image', () => {
  const params = { context_attachments: [{ attachment: 'https://cdn.example.com/map.jpg' }, { attachment: 'https://cdn.example.com/rear.jpg' }, { attachment: 'ftp://nope' }, 'bad'] };

  it('shows a thumbnail per viewable context attachment and opens one full screen until Escape', () => {
    expect(contextAttachmentUrls(params)).toEqual(['https://cdn.example.com/map.jpg', 'https://cdn.example.com/rear.jpg']);
    render(<ContextAttachments params={params} />);
    expect(screen.getByRole('heading', { name: 'Context (2)' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open context image 2' }));
    const viewer = screen.getByRole('dialog', { name: 'Context image 2 of 2' });
    expect(viewer.querySelector('img')!.getAttribute('src')).toBe('https://cdn.example.com/rear.jpg');
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows nothing for a task without context attachments', () => {
    const { container } = render(<ContextAttachments params={{}} />);
    expect(container.innerHTML).toBe('');
  });
});
