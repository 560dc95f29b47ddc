import type { FormHTMLAttributes, ReactNode } from 'react';
import { useEscapeKey } from '../hooks/useEscapeKey';

type DialogProps = Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit' | 'children'> & {
  /** The id of the dialog's title element (its accessible name). */
  titleId: string;
  testId: string;
  onClose(): void;
  /** Enter or the submit button: the page does not reload. */
  onSubmit(): void;
  children: ReactNode;
};

/**
 * The console's modal dialog: a backdrop, a form named by its title, Escape closes it wherever the focus is. Every
 * dialog is one of these; `data-*` attributes (readiness markers for the e2e tests) go on the form.
 */
export function Dialog({ titleId, testId, onClose, onSubmit, children, ...form }: DialogProps) {
  useEscapeKey(onClose);
  return (
    <div className="dialog-backdrop" role="presentation">
      <form
        className="dialog card"
        role="dialog"
        aria-modal
        aria-labelledby={titleId}
        data-testid={testId}
        {...form}
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        {children}
      </form>
    </div>
  );
}
