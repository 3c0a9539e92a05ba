import { useId } from 'react';

/**
 * A new passphrase typed twice (the first passphrase on the lock screen, an export's): its label and
 * hint, and the two fields' state owned by the caller. `onEdit` clears the caller's error.
 */
export function NewPassphrase(props: {
  label: string;
  hint: string;
  value: string;
  again: string;
  onChange: (value: string) => void;
  onAgainChange: (value: string) => void;
  onEdit: () => void;
  /** Focus the first field when shown (a dialog uses data-autofocus instead). */
  autoFocus?: boolean;
}) {
  const id = useId();
  const mismatch = props.again !== '' && props.again !== props.value;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-pass`}>{props.label}</label>
        <input
          id={`${id}-pass`}
          className="input"
          type="password"
          autoComplete="new-password"
          autoFocus={props.autoFocus}
          data-autofocus
          value={props.value}
          aria-describedby={`${id}-hint`}
          onChange={(e) => {
            props.onChange(e.target.value);
            props.onEdit();
          }}
        />
        <p id={`${id}-hint`} className="hint">
          {props.hint}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-again`}>The same passphrase again</label>
        <input
          id={`${id}-again`}
          className="input"
          type="password"
          autoComplete="new-password"
          value={props.again}
          aria-invalid={mismatch}
          onChange={(e) => {
            props.onAgainChange(e.target.value);
            props.onEdit();
          }}
        />
      </div>
    </>
  );
}
