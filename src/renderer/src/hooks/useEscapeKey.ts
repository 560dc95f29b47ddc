import { useEffect } from 'react';

/**
 * Escape closes a modal dialog wherever the focus is (the dialog is modal: nothing else takes keys meanwhile). Every
 * dialog of the console closes this one way.
 */
export function useEscapeKey(onClose: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
}
