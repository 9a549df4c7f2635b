import { startTransition, useEffect, useRef, type FormEvent } from "react";

/**
 * A form's onSubmit that runs its server action without React 19's automatic form reset. With only
 * `action={formAction}`, React resets the form's DOM once the action settles: after a refused save, text
 * fields came back (their state re-rendered them) but selects, radios and checkboxes showed their first
 * values while the component's state (and the next save) kept the user's choices. Keep `action={formAction}`
 * on the form too: before hydration a submit still posts to the server action (progressive enhancement);
 * once hydrated this handler takes over (React then only marks the form pending).
 */
export function submitKeepingValues(dispatch: (formData: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formData = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => dispatch(formData));
  };
}

/** For a form that stays on the page after a success (a token, an endpoint): a ref that empties it then, and only then. */
export function useResetAfterSuccess(state: { ok: boolean }) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.ok) ref.current?.reset();
  }, [state]);
  return ref;
}
