import { startTransition, useEffect, useRef, type FormEvent } from "react";
import type { ActionState } from "./action-state";

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

/**
 * The ref of a useActionState form, for what follows a save. Refused: the submit button was disabled while
 * pending, so focus fell to <body> and the errors may be off-screen; focus moves to the form's first invalid
 * field (aria-invalid="true"), or to its error message when no field is marked. Accepted, with
 * `resetAfterSuccess` (a form that stays on the page: a token, an endpoint): the form is emptied, and only then.
 */
export function useActionFormRef(state: ActionState, { resetAfterSuccess = false }: { resetAfterSuccess?: boolean } = {}) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const form = ref.current;
    if (!form) return;
    if (state.ok) {
      if (resetAfterSuccess) form.reset();
    } else if (state.errors || state.message) {
      focusFirstProblem(form);
    }
  }, [state, resetAfterSuccess]);
  return ref;
}

/** Focuses a form's first invalid field, or else its first error message (made focusable for this). */
export function focusFirstProblem(form: HTMLElement) {
  const target = form.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.querySelector<HTMLElement>('[role="alert"]');
  if (!target) return;
  if (!target.matches("input, select, textarea, button, a[href], [tabindex]")) target.tabIndex = -1;
  target.focus();
}
