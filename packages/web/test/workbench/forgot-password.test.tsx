import { afterEach, describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { App } from '../../src/App.tsx';
import { ForgotPasswordPage } from '../../src/workbench/ForgotPasswordPage.tsx';
import { LoginPage } from '../../src/workbench/LoginPage.tsx';
import { errorResponse, fakeServer } from '../dashboard/fake-server.ts';

const NEUTRAL = { message: 'If this email belongs to a teammate who has signed up, a link to choose a new password is on its way.' };

afterEach(() => {
  window.location.hash = '';
});

describe('Forgot password', () => {
  it('is linked from the sign-in page, carrying the email typed so far', () => {
    const { api } = fakeServer({});
    render(<LoginPage api={api} onSignedIn={() => {}} />);
    const link = screen.getByRole('link', { name: 'Forgot password?' });
    expect(link.getAttribute('href')).toBe('#/forgot-password');
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ana+x@example.com' } });
    expect(link.getAttribute('href')).toBe('#/forgot-password?email=ana%2Bx%40example.com');
  });

  it('sends the email and shows the neutral confirmation instead of the form', async () => {
    const server = fakeServer({ 'POST /session/forgot_password': () => NEUTRAL });
    render(<ForgotPasswordPage api={server.api} />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: ' ana@example.com ' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Send reset link' })));

    expect(server.calls).toHaveLength(1);
    expect(server.calls[0].body).toEqual({ email: 'ana@example.com' });
    expect(server.calls[0].headers['x-csrf-token']).toBeUndefined();
    const status = screen.getByRole('status');
    expect(status.textContent).toContain('If ana@example.com belongs to a teammate who has signed up, a link to choose a new password is on its way.');
    expect(screen.queryByRole('button', { name: 'Send reset link' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Back to sign in' }).getAttribute('href')).toBe('#/work');
  });

  it('shows the server message and keeps the form when the email is refused', async () => {
    const server = fakeServer({ 'POST /session/forgot_password': () => errorResponse(400, "Invalid value for 'email': not an email address.") });
    render(<ForgotPasswordPage api={server.api} initialEmail="ana" />);
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('ana');
    // jsdom would block submitting an invalid type=email field; submit the form itself, as a browser without validation would.
    await act(async () => fireEvent.submit(screen.getByRole('button', { name: 'Send reset link' }).closest('form')!));
    expect(screen.getByRole('alert').textContent).toBe("Invalid value for 'email': not an email address.");
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByRole('button', { name: 'Send reset link' })).toBeTruthy();
  });

  it('opens at #/forgot-password when nobody is signed in, with the email from the link filled in', async () => {
    window.location.hash = '#/forgot-password?email=ana%40example.com';
    const server = fakeServer({ 'GET /session': () => errorResponse(401, 'Please sign in.') });
    render(<App api={server.api} />);
    expect(await screen.findByRole('heading', { name: 'Forgot your password?' })).toBeTruthy();
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('ana@example.com');
  });
});
