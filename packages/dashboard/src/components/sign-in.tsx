// Asks for a token when the control plane wants one: a read token to look, the admin token to change
// anything. It is kept for this tab only (sessionStorage).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useDashboard } from '../context.js';

export function SignIn() {
  const { session } = useDashboard();
  const [token, setToken] = useState('');
  const field = useRef<HTMLInputElement>(null);
  // The form is the whole page, so the field takes the focus (the autofocus attribute counts only at load).
  useEffect(() => field.current?.focus(), []);
  const rejected = session.token.value !== '';
  return (
    <section class="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in to the control plane</h1>
      <p>
        {rejected ? 'The control plane did not accept this token.' : 'This control plane asks for a token.'} A read token shows everything;
        the admin token is needed to apply, delete, halt and resume. It is kept for this tab until it closes.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim() !== '') session.signIn(token);
        }}
      >
        <label>
          Access token
          <input
            ref={field}
            type="password"
            name="token"
            autoComplete="off"
            required
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </section>
  );
}
