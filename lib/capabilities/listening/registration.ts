import type { HasMethod, Require } from '../registration-types';
import type { CaptureListenContext } from './interfaces';

/** Compile-time completeness of a capture listener: `captureOpen` and `captureClose` with their signatures. */
export type ListeningCheck<P> = P extends {
  /** Set on the classes `CaptureListening` returns. */
  readonly '~capability.listening': true;
}
  ? Require<
      HasMethod<P, 'captureOpen', (context: CaptureListenContext) => void>,
      'captureOpen(context: CaptureListenContext): void'
    > &
      Require<
        HasMethod<P, 'captureClose', (context: CaptureListenContext) => void>,
        'captureClose(context: CaptureListenContext): void'
      >
  : unknown;
